"""The Summary page: minutes of the whole meeting written in the background (or the offline extract), kept,
edited, checked against their sources and downloaded."""
