"""``python -m geodata.codes``: regenerate the English names (``data/names_en.csv``)."""

from geodata.codes.names_file import NAMES_FILE, write_names_file

if __name__ == "__main__":
    print(f"wrote {write_names_file()} names to {NAMES_FILE}")
