"""Reminders in the shell: the batch (run), its messages, the wake-ups (jobs) and the buttons
and commands around them (chat). What is due is decided by the pure schedule in
conversations/reminders.py; what was claimed and sent lives in the store."""
