"""Actions: built-in local equivalents of common actions, and the seam they run through."""
