// Shared mocha setup: nothing global yet; services are started by the specs that need them.
