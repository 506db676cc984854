"""What Backcare knows: regions, muscles, props, techniques and safety rules."""
