"""What screens and widgets share below them: calling services in workers, change messages,
stored text shown harmlessly. Imports services, never screens or widgets."""
