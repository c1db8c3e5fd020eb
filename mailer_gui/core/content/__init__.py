"""What is sent: campaigns, composing, preflight, attachments, the sample."""
