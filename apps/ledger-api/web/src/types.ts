/** The shapes of CONTRACT.md the page reads (a copy: the browser bundle must not pull in server modules). */
interface VolumeRow {
  currency: string;
  total: string;
  succeeded: string;
  refunded: string;
  disputed?: string;
  disputeLosses?: string;
  net: string;
}

export interface Metrics {
  provider: string | null;
  counts: Record<'total' | 'pending' | 'processing' | 'succeeded' | 'failed' | 'refunded' | 'disputed', number> & {
    /** Failed attempts (a payment that failed once and then succeeded counts one here, none in `failed`). */
    failedAttempts?: number;
    /** Payments a provider mismatch holds until a person reviews them. */
    needsReview?: number;
  };
  volumes: VolumeRow[];
  rates: { success: number; failure: number; refund: number };
  averageProcessingTimeMs: number | null;
  fraud: { attempts: number; suspicious: number };
}

export interface Health {
  status: 'healthy' | 'degraded' | 'unhealthy';
  issues: string[];
  metrics: { windowMinutes?: number; failureRate?: number; succeeded?: number; failed?: number; averageProcessingTimeMs?: number | null };
}

export interface DashboardEvent {
  eventId: string;
  streamId: string;
  type: string;
  position: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface Dashboard {
  metrics: Metrics;
  breakdown: Record<string, number>;
  volumeOverTime: VolumeBucket[];
  recentEvents: DashboardEvent[];
  failedPayments: { paymentId: string; provider: string; amount: number; currency: string; errorCode: string; failedAt: string }[];
  errors: { code: string; count: number }[];
  health: Health;
}

export interface VolumeBucket {
  bucketStart: string;
  currency: string;
  count: number;
  volume: string;
}

/** GET /v1/dashboard/activity: one provider's decisions in one UTC minute. */
export interface ActivityMinute {
  minuteStart: string;
  provider: string;
  succeeded: number;
  failed: number;
}

export interface Alert {
  id: string;
  rule: string;
  severity: 'critical' | 'warning' | 'info';
  provider: string | null;
  title: string;
  raisedAt: string;
  status: 'open' | 'acknowledged' | 'resolved';
}

/** The projection_stalled definition's verdict on one projection (the API judges; the page only shows it). */
interface ProjectionStall {
  stalled: boolean;
  /** How long its checkpoint has not moved while events wait (0 when none wait). */
  waitedSeconds: number;
  eventsWaiting: number;
  capped: boolean;
  /** The read horizon, when a held one is what stopped it. */
  horizon: { ageSeconds: number; holder: { pid: number; application: string; database: string | null } | null } | null;
}

export interface ProjectionState {
  name: string;
  eventsApplied: number;
  /** Seconds since its checkpoint last moved (the read horizon's age is `lag.horizonAgeSeconds`). */
  checkpointAgeSeconds: number;
  lag: { positionsBehind: number; capped: boolean; secondsBehind: number };
  stall: ProjectionStall;
}

/** GET /v1/dashboard/board. */
export interface BoardState {
  health: Record<string, Health>;
  projections: ProjectionState[];
  openAlerts: Alert[];
  /** Currencies present in the ledger (the currency filter lists these). */
  currencies: string[];
}

export const PROVIDERS = ['stripe', 'paystack'] as const;
