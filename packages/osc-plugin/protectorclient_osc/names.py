"""Names shared by setup.py (the entry points) and commands.py (the classes); no dependencies."""


def class_name(words):
    """`['protection-group', 'list']` → `ProtectionGroupList`: the command's class in commands.py."""
    return ''.join(part.capitalize() for w in words for part in w.split('-'))
