// Public API of anomaly-lab. Notebooks import everything from here by package name.
export {};
