"""The office's jobs, UI-free: one package per area; what every area shares sits here."""
