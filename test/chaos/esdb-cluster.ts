import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { join } from 'node:path';

/**
 * An EventStoreDB cluster the chaos run drives, described by a JSON file given with
 * `--esdb-cluster <path>`. The server is not part of this repository: the file says how each
 * node is started (its argv, environment and data directory), so the run can SIGKILL, SIGSTOP and
 * restart nodes as their supervisor would. Shape:
 *
 * ```json
 * { "caFile": "/…/ca.crt",            // omit for an insecure cluster (gossip over plain HTTP)
 *   "fresh": true,                     // empty each node's dataDirs before the first start
 *   "nodes": [ { "name": "n1", "httpPort": 2113, "command": ["dotnet", "/…/EventStore.ClusterNode.dll", "--config", "/…/n1.conf"],
 *                "env": { "DOTNET_ROLL_FORWARD": "Major" }, "dataDirs": ["/…/n1/db"] }, … ] }
 * ```
 */
export interface ClusterSpec {
  readonly caFile?: string;
  readonly fresh?: boolean;
  readonly nodes: readonly NodeSpec[];
}

export interface NodeSpec {
  readonly name: string;
  readonly httpPort: number;
  readonly command: readonly string[];
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly dataDirs?: readonly string[];
}

/** A member as `/gossip` reports it (24.2). */
export interface GossipMember {
  readonly state: string;
  readonly isAlive: boolean;
  readonly httpEndPointPort: number;
  readonly epochNumber?: number;
  readonly writerCheckpoint?: number;
}

export function parseClusterSpec(text: string): ClusterSpec {
  const spec = JSON.parse(text) as ClusterSpec;
  if (!Array.isArray(spec.nodes) || spec.nodes.length === 0) throw new Error('esdb cluster file: "nodes" must list the nodes');
  for (const n of spec.nodes) {
    if (typeof n.name !== 'string' || !Number.isInteger(n.httpPort) || !Array.isArray(n.command) || n.command.length === 0)
      throw new Error(`esdb cluster file: each node needs name, httpPort and a non-empty command (${JSON.stringify(n)})`);
  }
  return spec;
}

/**
 * The leader as the cluster sees it: a member alive and in state Leader that a majority of the
 * answering nodes agree on, or undefined while an election runs. Views of a paused or dead node
 * are not given (it does not answer), so two live nodes' agreement is enough.
 */
export function agreedLeader(views: readonly (readonly GossipMember[])[]): number | undefined {
  const votes = new Map<number, number>();
  for (const members of views) {
    const leaders = members.filter((m) => m.isAlive && m.state === 'Leader');
    if (leaders.length === 1) votes.set(leaders[0].httpEndPointPort, (votes.get(leaders[0].httpEndPointPort) ?? 0) + 1);
  }
  const [best] = [...votes].sort((a, b) => b[1] - a[1]);
  return best && best[1] * 2 > views.length ? best[0] : undefined;
}

/**
 * One node, restartable by the run as its supervisor: a node exits on its own (code 0) when it
 * must truncate its log offline (it was ahead of the leader that won an election), and expects
 * to be started again, as Docker's `restart: unless-stopped` or systemd's `Restart=always` does.
 */
export class EsdbNode {
  child: ChildProcess | undefined;
  private readonly log: WriteStream;
  paused = false;
  /** Exits nobody asked for, each restarted 1 s later. */
  readonly unexpectedExits: { at: number; code: number | null; signal: string | null }[] = [];
  private supervised = true;

  constructor(
    readonly spec: NodeSpec,
    dir: string,
  ) {
    this.log = createWriteStream(join(dir, `esdb-${spec.name}.log`), { flags: 'a' });
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.alive) return;
    const [bin, ...args] = this.spec.command;
    // The server takes every EVENTSTORE_* variable for an option and refuses unknown ones
    // (EVENTSTORE_CONNECTION_STRING is the apps'): only the node's own file sets them.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EVENTSTORE_')));
    const child = spawn(bin, args, { cwd: this.spec.cwd, env: { ...inherited, ...this.spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    child.on('exit', (code, signal) => {
      this.log.write(`${new Date().toISOString()} [chaos] exited ${signal ?? code}\n`);
      if (!this.supervised || this.child !== child) return;
      this.unexpectedExits.push({ at: Date.now(), code, signal });
      setTimeout(() => {
        if (this.supervised && this.child === child) this.start();
      }, 1_000);
    });
    this.child = child;
    this.paused = false;
    this.supervised = true;
  }

  /** A deliberate kill: the supervisor stands back until start() is called again. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.supervised = false;
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (this.paused) child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    this.paused = false;
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.child?.kill('SIGCONT');
    this.paused = false;
  }

  teardown(): void {
    this.supervised = false;
    if (this.alive) {
      this.child!.kill('SIGCONT');
      this.child!.kill('SIGKILL');
    }
  }

  close(): void {
    this.log.end();
  }
}

export class EsdbCluster {
  readonly nodes: EsdbNode[];
  private readonly ca: Buffer | undefined;

  constructor(
    readonly spec: ClusterSpec,
    dir: string,
  ) {
    this.nodes = spec.nodes.map((n) => new EsdbNode(n, dir));
    this.ca = spec.caFile ? readFileSync(spec.caFile) : undefined;
  }

  static fromFile(path: string, dir: string): EsdbCluster {
    return new EsdbCluster(parseClusterSpec(readFileSync(path, 'utf8')), dir);
  }

  /** Starts every node (on empty data directories when the file says `fresh`) and waits for a leader. */
  async start(timeoutMs = 180_000): Promise<void> {
    if (this.spec.fresh)
      for (const n of this.spec.nodes) for (const d of n.dataDirs ?? []) if (existsSync(d)) rmSync(d, { recursive: true });
    for (const n of this.nodes) n.start();
    if ((await this.waitForLeader(timeoutMs)) === undefined) throw new Error('the EventStoreDB cluster elected no leader');
  }

  /** One node's view of the cluster, or undefined when it does not answer within `timeoutMs`. */
  gossip(node: EsdbNode, timeoutMs = 2_000): Promise<GossipMember[] | undefined> {
    return new Promise((resolve) => {
      const options = { host: '127.0.0.1', port: node.spec.httpPort, path: '/gossip', timeout: timeoutMs, ca: this.ca };
      const req = (this.ca ? request : plainRequest)(options, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          try {
            resolve(res.statusCode === 200 ? (JSON.parse(body) as { members: GossipMember[] }).members : undefined);
          } catch {
            resolve(undefined);
          }
        });
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }

  /** Views of the live, running nodes that answered. */
  async views(): Promise<GossipMember[][]> {
    const running = this.nodes.filter((n) => n.alive && !n.paused);
    const views = await Promise.all(running.map((n) => this.gossip(n)));
    return views.filter((v): v is GossipMember[] => v !== undefined);
  }

  async leader(): Promise<EsdbNode | undefined> {
    const port = agreedLeader(await this.views());
    return this.nodes.find((n) => n.spec.httpPort === port);
  }

  /** The leader once the answering nodes agree on one other than `not`; undefined after the timeout. */
  async waitForLeader(timeoutMs: number, not?: EsdbNode): Promise<EsdbNode | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const leader = await this.leader();
      if (leader && leader !== not) return leader;
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  }

  /** Every node running and seen alive, one of them leader, the others followers. */
  async waitForAllMembers(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const views = await this.views();
      const healthy = views.some(
        (members) =>
          members.filter((m) => m.isAlive).length === this.nodes.length &&
          members.filter((m) => m.isAlive && m.state === 'Leader').length === 1 &&
          members.filter((m) => m.isAlive && m.state === 'Follower').length === this.nodes.length - 1,
      );
      if (healthy && agreedLeader(views) !== undefined) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.kill('SIGTERM');
    for (const n of this.nodes) n.close();
  }

  teardown(): void {
    for (const n of this.nodes) n.teardown();
  }
}
