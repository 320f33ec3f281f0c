"""Research 2A, positive practice: case studies of action taken elsewhere to
advance mental health equality, with their attachments, searched within a
project and, once a reviewer approves, shared with every organisation."""
