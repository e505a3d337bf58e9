"""Rules, storage, inbox handling, flows, CLI and settings (DESIGN.md, "Layout")."""
