"""Research 2B: nominal group technique sessions, online and in the room."""
