"""Mail: mailboxes, folders, the message list and the reader."""
