"""Peak resident memory of this process, the figure every bench/python script reports beside MedLearn's."""


def peak_rss_mb():
    """VmHWM of /proc/self/status in MB (NaN when the line is missing)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")
