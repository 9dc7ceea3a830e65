package dev.capstan.agent.model;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Read-only, compact copies of YAML-shaped trees (maps, lists, scalars) for what the agent holds between cycles: every
 * unit's rendered objects and the informers' cached objects. A {@link LinkedHashMap} costs an object, a table and a
 * 32-byte entry per key; a small frozen map is one object and one array of keys and values, in the same order. At a
 * thousand apps that is most of the heap the agent keeps. Short strings are interned, as {@link Yaml} does when it
 * parses. Code that needs to change a tree copies it first (as it had to already: these trees are shared).
 */
public final class CompactTree {
    /** Above this many keys a map keeps a hash index (a {@link LinkedHashMap} behind a read-only view). */
    static final int LINEAR_KEYS = 16;
    private static final int SHARED_STRING_LENGTH = 64;

    private CompactTree() {
    }

    /** {@code map} frozen, all the way down; a frozen map is returned as it is. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> freeze(Map<String, ?> map) {
        return map == null ? null : (Map<String, Object>) freezeValue(map);
    }

    /** {@code value} frozen if it is a map or list; a short string interned; other scalars as they are. */
    public static Object freezeValue(Object value) {
        if (value instanceof FrozenMap || value instanceof FrozenList || value instanceof IndexedMap) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return freezeMap(map);
        }
        if (value instanceof List<?> list) {
            Object[] items = new Object[list.size()];
            int i = 0;
            for (Object item : list) {
                items[i++] = freezeValue(item);
            }
            return items.length == 0 ? FrozenList.EMPTY : new FrozenList(items);
        }
        return value instanceof String text && text.length() <= SHARED_STRING_LENGTH ? text.intern() : value;
    }

    private static Map<String, Object> freezeMap(Map<?, ?> map) {
        if (map.isEmpty()) {
            return FrozenMap.EMPTY;
        }
        if (map.size() > LINEAR_KEYS) {
            Map<String, Object> copy = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
            map.forEach((key, value) -> copy.put(key(key), freezeValue(value)));
            return new IndexedMap(Collections.unmodifiableMap(copy));
        }
        Object[] keysAndValues = new Object[map.size() * 2];
        int i = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            keysAndValues[i++] = key(entry.getKey());
            keysAndValues[i++] = freezeValue(entry.getValue());
        }
        return new FrozenMap(keysAndValues);
    }

    private static String key(Object key) {
        return key == null ? null : key.toString().intern();
    }

    /** Up to {@link #LINEAR_KEYS} entries, keys and values alternating in one array; lookups scan it. */
    private static final class FrozenMap extends AbstractMap<String, Object> {
        static final FrozenMap EMPTY = new FrozenMap(new Object[0]);
        private final Object[] keysAndValues;

        FrozenMap(Object[] keysAndValues) {
            this.keysAndValues = keysAndValues;
        }

        @Override
        public int size() {
            return keysAndValues.length / 2;
        }

        @Override
        public Object get(Object key) {
            int i = indexOf(key);
            return i < 0 ? null : keysAndValues[i + 1];
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        private int indexOf(Object key) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                Object candidate = keysAndValues[i];
                if (candidate == key || candidate != null && candidate.equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keysAndValues.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= keysAndValues.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, Object> entry = new SimpleImmutableEntry<>((String) keysAndValues[next],
                                    keysAndValues[next + 1]);
                            next += 2;
                            return entry;
                        }
                    };
                }

                @Override
                public int size() {
                    return keysAndValues.length / 2;
                }
            };
        }
    }

    /** A larger frozen map: a read-only view of a hash map, marked so that it is not copied again. */
    private static final class IndexedMap extends AbstractMap<String, Object> {
        private final Map<String, Object> entries;

        IndexedMap(Map<String, Object> entries) {
            this.entries = entries;
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public Object get(Object key) {
            return entries.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries.containsKey(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return entries.entrySet();
        }
    }

    /** A read-only list over one array. */
    private static final class FrozenList extends AbstractList<Object> implements RandomAccess {
        static final FrozenList EMPTY = new FrozenList(new Object[0]);
        private final Object[] items;

        FrozenList(Object[] items) {
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return items[index];
        }

        @Override
        public int size() {
            return items.length;
        }
    }
}
