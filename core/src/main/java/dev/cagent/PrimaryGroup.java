package dev.cagent;

/** The agent's primary group: a numeric GID, or the plan's collaboration group (its GID is resolved at apply). */
public sealed interface PrimaryGroup {

    static PrimaryGroup id(int gid) {
        return new Id(gid);
    }

    static PrimaryGroup collaborationGroup() {
        return Collaboration.INSTANCE;
    }

    record Id(int gid) implements PrimaryGroup {
        public Id {
            Names.checkId("primaryGroupId", gid);
        }

        @Override
        public String toString() {
            return Integer.toString(gid);
        }
    }

    final class Collaboration implements PrimaryGroup {
        private static final Collaboration INSTANCE = new Collaboration();

        private Collaboration() {
        }

        @Override
        public String toString() {
            return "the collaboration group";
        }
    }
}
