package dev.custodian.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * Small random JSON objects for tests that compare two ways of doing the same thing: few
 * keys, some needing escaping in a JSON Pointer ("d/e", "f~g"), so that the same key often
 * comes back in another shape. Deterministic for a given {@link Random}.
 */
public final class RandomJson {
    private static final List<String> KEYS = List.of("a", "b", "c", "d/e", "f~g");

    private RandomJson() {
    }

    /** An object of up to four members: numbers, short arrays, nulls, and objects up to {@code depth} deep. */
    public static ObjectNode object(Random random, int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            switch (depth == 0 ? random.nextInt(3) : random.nextInt(5)) {
                case 0 -> object.put(key, random.nextInt(3));
                case 1 -> array(random, object.putArray(key));
                case 2 -> object.putNull(key);
                default -> object.set(key, object(random, depth - 1));
            }
        }
        return object;
    }

    /** One of the keys {@link #object} uses. */
    public static String key(Random random) {
        return KEYS.get(random.nextInt(KEYS.size()));
    }

    private static void array(Random random, ArrayNode array) {
        for (int n = random.nextInt(3); n > 0; n--) {
            array.add(random.nextInt(3));
        }
    }
}
