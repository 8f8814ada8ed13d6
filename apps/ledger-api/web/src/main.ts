import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { Api, ApiError } from './api';
import { h } from './dom';
import { followLive, type LiveFeed, type LiveState } from './live';
import { Board } from './board';
import { judgeFreshness, type Freshness, type ReadOutcome } from './freshness';

const KEY = 'ledger.dashboard.key';
/**
 * No change notification (and so no refresh) for this long: the page reads the board and the payments again
 * anyway. A dead projector sends no notification, and silence must not look like "nothing happened". Two
 * requests every 3 s (the board carries the open alerts) stay well inside the `api` rate limit.
 */
const QUIET_MS = 3_000;
const TICK_MS = 1_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Sign-in and the live loop. The key lives in sessionStorage (this tab only,
 * gone when it closes) and travels only in the Authorization header.
 */
class App {
  private board: Board | undefined;
  private live: LiveFeed | undefined;
  private poll: number | undefined;
  private socket: LiveState = 'connecting';
  private read: ReadOutcome | undefined;
  private shown = '';

  start(): void {
    $('sign-in').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signIn($<HTMLInputElement>('api-key').value.trim());
    });
    $('sign-out').addEventListener('click', () => this.signOut(''));
    const saved = sessionStorage.getItem(KEY);
    if (saved) void this.signIn(saved);
  }

  private async signIn(key: string): Promise<void> {
    const error = $('sign-in-error');
    error.textContent = '';
    if (!key) {
      error.textContent = 'Enter an API key.';
      return;
    }
    const api = new Api(key);
    let scopes: string[];
    try {
      scopes = (await api.get<{ scopes: string[] }>('/v1/dashboard/session')).body.scopes;
    } catch (e) {
      sessionStorage.removeItem(KEY);
      error.textContent = refusal(e);
      $('api-key').focus();
      return;
    }
    sessionStorage.setItem(KEY, key);
    $<HTMLInputElement>('api-key').value = '';
    $('sign-in').hidden = true;
    $('sign-out').hidden = false;
    const container = $('board');
    container.hidden = false;
    this.socket = 'connecting';
    this.read = undefined;
    this.board = new Board(
      api,
      container,
      scopes.includes('admin'),
      (e) => this.onError(e),
      (outcome) => {
        this.read = outcome;
        this.showFreshness();
      },
      scopes.includes('admin') || scopes.includes('books:read'),
    );
    this.live = followLive(
      api,
      () => this.board?.refresh(),
      (state) => {
        this.socket = state;
        this.showFreshness();
      },
      () => this.signOut('The key was revoked or lost its scope.'),
    );
    this.poll = window.setInterval(() => {
      this.board?.refreshIfQuiet(QUIET_MS);
      this.board?.tick();
      this.showFreshness();
    }, TICK_MS);
  }

  private onError(error: unknown): void {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) this.signOut(refusal(error));
  }

  private signOut(message: string): void {
    sessionStorage.removeItem(KEY);
    this.live?.stop();
    window.clearInterval(this.poll);
    this.board?.dispose();
    this.board = undefined;
    $('board').replaceChildren();
    $('board').hidden = true;
    $('live').hidden = true;
    this.shown = '';
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message;
    $('api-key').focus();
  }

  /** The header's indicator: how fresh the numbers are (green, amber, red), with the reason; rewritten only when it changes. */
  private showFreshness(): void {
    if (!this.board) return;
    const f: Freshness = judgeFreshness(this.socket, this.read, Date.now());
    const el = $('live');
    el.hidden = false;
    el.title = f.detail;
    const shown = `${f.state}|${f.label}`;
    if (shown === this.shown) return;
    this.shown = shown;
    el.dataset.state = f.state;
    el.dataset.level = f.level;
    el.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), f.label);
  }
}

function refusal(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'That API key was refused.';
    if (error.status === 403) return 'That API key lacks the dashboard:read scope.';
    return `The API answered ${error.status}: ${error.message}`;
  }
  return 'The API could not be reached.';
}

new App().start();
