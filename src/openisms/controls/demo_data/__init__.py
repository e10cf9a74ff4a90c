"""Data for the demo organisation's controls: implementation texts and generated evidence."""
