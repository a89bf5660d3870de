"""Everything that turns an Assessment into something to read: JSON, terminal, HTML, PDF."""
