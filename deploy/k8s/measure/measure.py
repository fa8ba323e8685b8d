"""Helpers of measure-resources.sh: input files, the /proc sampler, the gateway load and the report."""
import collections, concurrent.futures, csv, json, os, sys, time, urllib.error, urllib.request


def inputs(log, work, rounds):
    """One score input per round (ids made unique per round: the router refuses repeated ids) and the
    gateway's requests; replay.id tells the replay experts which logged row answers."""
    csv.field_size_limit(10**9)
    rows = list(csv.DictReader(open(log)))
    for r in range(1, int(rounds) + 1):
        with open(f'{work}/score-input-{r}.csv', 'w', newline='') as f:
            w = csv.writer(f)
            w.writerow(['id', 'prompt', 'task', 'replay.id'])
            for row in rows:
                w.writerow([f"{row['id']}-s{r}", row['prompt'], row['task'], row['id']])
    with open(f'{work}/gateway-requests.json', 'w') as f:
        json.dump([{'id': row['id'], 'task': row['task'], 'text': row['prompt'][:2000]} for row in rows], f)


def sample(work, *named_pids):
    """VmRSS, VmHWM (KiB) and user+system CPU seconds of each process, every 2 s, until work/stop exists."""
    pids = dict(a.split('=') for a in named_pids)
    tick = os.sysconf('SC_CLK_TCK')
    data = {n: [] for n in pids}
    while not os.path.exists(f'{work}/stop'):
        for name, pid in pids.items():
            try:
                status = dict(l.split(':', 1) for l in open(f'/proc/{pid}/status').read().splitlines() if ':' in l)
                stat = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
                data[name].append((time.time(), int(status['VmRSS'].split()[0]), int(status['VmHWM'].split()[0]),
                                   (int(stat[11]) + int(stat[12])) / tick))
            except (OSError, KeyError):
                pass
        time.sleep(2)
    json.dump(data, open(f'{work}/samples.json', 'w'))


def gateway(work, passes):
    """16 concurrent clients post every logged prompt to the gateway, passes times; prints the status counts."""
    requests = json.load(open(f'{work}/gateway-requests.json'))
    port = next(l.split('=')[1].strip() for l in open(f'{work}/base.properties') if l.startswith('gateway.port='))

    def send(i, r):
        body = json.dumps({'id': f"{r['id']}-g{i}", 'text': r['text'], 'task': r['task'],
                           'attributes': {'replay.id': r['id']}}).encode()
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    f'http://127.0.0.1:{port}/v1/infer', data=body, method='POST'), timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError as e:
            return type(e).__name__

    start, counts = time.time(), collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for status in pool.map(lambda ir: send(*ir), enumerate(requests * int(passes))):
            counts[status] += 1
    print(f"gateway: {sum(counts.values())} requests in {time.time() - start:.0f} s: {dict(counts)}")


def report(work):
    data = json.load(open(f'{work}/samples.json'))
    start, end = (int(open(f'{work}/load-{w}').read()) for w in ('start', 'end'))
    print(f"load for {end - start} s")
    print(f"{'process':12s} {'idle RSS':>9s} {'load RSS median':>16s} {'max':>6s} {'VmHWM':>6s}  {'CPU mean':>8s} {'busiest 10 s':>12s}")
    for name, samples in data.items():
        idle = [s for s in samples if s[0] < start]
        load = [s for s in samples if start <= s[0] <= end]
        if len(load) < 2:
            print(f"{name:12s} (no samples under load)")
            continue
        rss = sorted(s[1] / 1024 for s in load)
        busiest = max((load[j][3] - load[i][3]) / (load[j][0] - load[i][0])
                      for i in range(len(load)) for j in range(i + 1, len(load)) if 9 <= load[j][0] - load[i][0] <= 12)
        mean = (load[-1][3] - load[0][3]) / (load[-1][0] - load[0][0])
        print(f"{name:12s} {max(s[1] for s in idle) / 1024 if idle else 0:6.0f} MiB {rss[len(rss) // 2]:12.0f} MiB"
              f" {rss[-1]:6.0f} {max(s[2] for s in samples) / 1024:6.0f}  {mean:8.2f} {busiest:12.2f} cores")


if __name__ == '__main__':
    globals()[sys.argv[1]](*sys.argv[2:])
