"""Oracle for the run CSV files (history.csv, predictions.csv): reads a file with Python's csv module and float(),
as a report script or pandas user would, and prints it as JSON (used by tests/MedLearn.Tests/Runs/RunCsvFilesTests.cs
through PythonOracle). Every field that float() accepts is printed as the hex of its IEEE-754 bits (exact, and JSON
has no NaN); other fields are printed as strings.
Usage: /usr/bin/python3 check_run_csv.py FILE
"""
import csv
import json
import struct
import sys


def field(text):
    try:
        value = float(text)
    except ValueError:
        return {"s": text}
    return {"f": "%016x" % struct.unpack("<Q", struct.pack("<d", value))[0]}


with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
print(json.dumps({"header": rows[0], "rows": [[field(x) for x in row] for row in rows[1:]]}))
