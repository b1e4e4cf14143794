"""The Motadata AI services' shared code, shipped to every function as the motadata-ai-sdk layer."""
