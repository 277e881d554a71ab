package dev.custodian.backup;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads the content of a backup while counting the bytes and computing their SHA-256, and
 * hands out {@link #section} views of an exact length. Not thread-safe.
 */
final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest digest = DigestingOutputStream.newSha256();
    private long count;

    DigestingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int read = in.read(bytes, offset, length);
        if (read > 0) {
            digest.update(bytes, offset, read);
            count += read;
        }
        return read;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The next {@code length} bytes as a stream; it fails with EOFException if the content ends sooner. */
    InputStream section(long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int wanted) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int read = DigestingInputStream.this.read(bytes, offset, (int) Math.min(wanted, left));
                if (read < 0) {
                    throw new EOFException("the content ends " + left + " bytes before the end of a section");
                }
                left -= read;
                return read;
            }
        };
    }
}
