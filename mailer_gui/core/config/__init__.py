"""What the operator configures: settings, secrets in the keychain, trusted CAs."""
