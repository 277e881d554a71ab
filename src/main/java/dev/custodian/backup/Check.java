package dev.custodian.backup;

/**
 * One verification step and its outcome, as reported by verify: {@code sha256}, {@code restore},
 * {@code users.rows}, ... with a sentence saying what was compared.
 */
public record Check(String name, boolean ok, String detail) {

    static Check passed(String name, String detail) {
        return new Check(name, true, detail);
    }

    static Check failed(String name, String detail) {
        return new Check(name, false, detail);
    }
}
