"""The ratios against their goals, and the printed table."""

GOALS = {"large_over_small": 1.3, "page_over_floor": 1.5, "job_over_floor": 2.0}


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def add_ratios(results):
    small = {row["page"]: row for row in results["pages"].get("small", [])}
    for row in results["pages"].get("large", []):
        other = small.get(row["page"])
        row["large_over_small"] = _ratio(row["page_result"]["p50_ms"], other and other["page_result"]["p50_ms"])
    for rows in results["pages"].values():
        for row in rows:
            row["page_over_floor"] = _ratio(row["page_result"]["p50_ms"], row["floor_result"]["p50_ms"])
    small_jobs = {job["job"]: job for job in results["jobs"].get("small", [])}
    for job in results["jobs"].get("large", []):
        other = small_jobs.get(job["job"])
        job["large_over_small"] = _ratio(job["seconds"], other and other["seconds"])


def _mark(value, goal):
    if value is None:
        return "   -  "
    return f"{value:5.2f}{' ' if value <= goal else '!'}"


def table(results):
    lines = ["", "Pages (p50/p95 ms, requests/s, SQL statements per request; ! = misses its goal)", ""]
    header = (f"{'page':36} {'size':5} {'p50':>7} {'p95':>7} {'rps':>6} {'q':>4} {'floor p50':>9} "
              f"{'÷floor':>7} {'large÷small':>11} {'err':>4}")
    lines += [header, "-" * len(header)]
    for size, rows in results["pages"].items():
        for row in rows:
            r, f = row["page_result"], row["floor_result"]
            lines.append(
                f"{row['page'][:36]:36} {size:5} {r['p50_ms'] or 0:7.1f} {r['p95_ms'] or 0:7.1f} {r['rps'] or 0:6.1f} "
                f"{r['queries'] or 0:4} {f['p50_ms'] or 0:9.1f} {_mark(row['page_over_floor'], 1.5):>7} "
                f"{_mark(row.get('large_over_small'), 1.3) if size == 'large' else '':>11} {r['errors']:4}")
    lines += ["", "Beat jobs (seconds; rows written = inserted+updated+deleted)", ""]
    header = (f"{'job':40} {'size':5} {'time':>7} {'rows':>8} {'re-run':>7} {'re-run rows':>11} "
              f"{'floor':>7} {'÷floor':>7} {'stmts':>5}")
    lines += [header, "-" * len(header)]
    for size, jobs in results["jobs"].items():
        for job in jobs:
            rows = sum(job["rows"].values())
            again = sum(job["rerun_rows"].values())
            lines.append(
                f"{job['job']:40} {size:5} {job['seconds']:7.2f} {rows:8} {job['rerun_seconds']:7.2f} {again:11} "
                f"{job['floor_seconds'] or 0:7.2f} {_mark(job['ratio_floor'], 2.0):>7} {job['statements'] or 0:5}")
    if imported := results.get("import"):
        lines += ["", f"Import of {imported['rows']} account rows ({imported['encoding']}): upload "
                      f"{imported['upload_s']} s, dry run {imported['dry_run_s']} s {imported['dry_run_outcomes']}, "
                      f"apply {imported['apply_s']} s, same file again {imported['re_run_dry_s']} s "
                      f"{imported['re_run_outcomes']}"]
    m0, m1 = results["machine_before"], results.get("machine_after", {})
    lines += ["", f"machine: {m0['cpus']} CPUs, load average before {m0['loadavg_1_5_15']}, "
                  f"after {m1.get('loadavg_1_5_15')} (shared with other tenants: absolute times are noisy, "
                  f"ratios measured in the same run are what counts)"]
    return "\n".join(lines)


def markdown(results):
    """The same figures as Markdown tables, for docs/PERFORMANCE.md."""
    out = ["| page | size | p50 ms | p95 ms | req/s | queries | floor p50 ms | page ÷ floor | large ÷ small |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, rows in results["pages"].items():
        for row in rows:
            r, f = row["page_result"], row["floor_result"]
            ratio = row.get("large_over_small") if size == "large" else None
            out.append(f"| {row['page']} | {size} | {r['p50_ms']} | {r['p95_ms']} | {r['rps']} | {r['queries']} | "
                       f"{f['p50_ms']} | {row['page_over_floor']} | {ratio if ratio is not None else ''} |")
    out += ["", "| job | size | s | rows written | re-run s | re-run rows | floor s | ÷ floor | statements |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, jobs in results["jobs"].items():
        for job in jobs:
            out.append(f"| {job['job']} | {size} | {job['seconds']} | {sum(job['rows'].values())} | "
                       f"{job['rerun_seconds']} | {sum(job['rerun_rows'].values())} | {job['floor_seconds']} | "
                       f"{job['ratio_floor']} | {job['statements']} |")
    return "\n".join(out)


def against(results, baseline, size="large"):
    """Two runs' `size` sets side by side (the capacity run at a million accounts against the
    default run's 100k), as Markdown: p50 ms (floor), queries, req/s and this ÷ baseline."""
    def sized(run):
        return run.get("sizes", {}).get(size)
    before = {row["page"]: row for row in baseline["pages"].get(size, [])}
    out = [f"| page | {sized(baseline)}: p50 ms (floor), queries, req/s | {sized(results)}: p50 ms (floor), "
           f"queries, req/s | ÷ |", "| --- | ---: | ---: | ---: |"]

    def cell(row):
        r, f = row["page_result"], row["floor_result"]
        errors = f", {r['errors']} errors" if r["errors"] else ""
        return f"{r['p50_ms']} ({f['p50_ms']}), {r['queries']}, {r['rps']}{errors}"
    for row in results["pages"].get(size, []):
        other = before.get(row["page"])
        ratio = _ratio(row["page_result"]["p50_ms"], other and other["page_result"]["p50_ms"])
        out.append(f"| {row['page']} | {cell(other) if other else '-'} | {cell(row)} | {ratio or '-'} |")
    jobs_before = {job["job"]: job for job in baseline["jobs"].get(size, [])}
    out += ["", f"| job | {sized(baseline)}: s, rows, re-run s | {sized(results)}: s, rows, re-run s | ÷ |",
            "| --- | ---: | ---: | ---: |"]
    for job in results["jobs"].get(size, []):
        other = jobs_before.get(job["job"])

        def jcell(j):
            return f"{j['seconds']}, {sum(j['rows'].values())}, {j['rerun_seconds']}" if j else "-"
        out.append(f"| {job['job']} | {jcell(other)} | {jcell(job)} | "
                   f"{_ratio(job['seconds'], other and other['seconds']) or '-'} |")
    return "\n".join(out)


if __name__ == "__main__":
    import json
    import sys

    paths = [a for a in sys.argv[1:] if not a.startswith("--")] or ["var/bench/results.json"]
    results = json.load(open(paths[0]))
    if "--against" in sys.argv:
        # python -m bench.report THIS.json --against BASELINE.json
        print(against(results, json.load(open(paths[1]))))
    else:
        print(markdown(results) if "--markdown" in sys.argv else table(results))
