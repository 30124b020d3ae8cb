"""Mail leaving: compose, reply, forward, the send quota and the sent log."""
