// e2e tests and their hooks start services and CLI processes: on a loaded 2-core machine that can take seconds.
jest.setTimeout(30_000);
