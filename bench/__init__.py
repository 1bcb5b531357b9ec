"""The benchmark command (`make bench`): real servers, real load, ratios to hello world."""
