package dev.capstan.agent.drift;

import dev.capstan.agent.model.ObjectKey;
import java.util.List;

/**
 * How one object compares: in sync, modified (which owned fields), missing (would be created), extra (managed by
 * Capstan for this unit but no longer rendered: would be pruned).
 */
public sealed interface ObjectVerdict {
    ObjectKey key();

    String name();

    record InSync(ObjectKey key) implements ObjectVerdict {
        @Override
        public String name() {
            return "InSync";
        }
    }

    record Modified(ObjectKey key, List<FieldChange> changes) implements ObjectVerdict {
        public Modified {
            changes = List.copyOf(changes);
        }

        @Override
        public String name() {
            return "Modified";
        }
    }

    record Missing(ObjectKey key) implements ObjectVerdict {
        @Override
        public String name() {
            return "Missing";
        }
    }

    record Extra(ObjectKey key) implements ObjectVerdict {
        @Override
        public String name() {
            return "Extra";
        }
    }
}
