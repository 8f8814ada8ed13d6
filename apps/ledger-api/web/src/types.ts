/** The shapes of CONTRACT.md the page reads (a copy: the browser bundle must not pull in server modules). */
export interface VolumeRow {
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
  counts: Record<'total' | 'pending' | 'processing' | 'succeeded' | 'failed' | 'refunded' | 'disputed', number>;
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

export interface Alert {
  id: string;
  rule: string;
  severity: 'critical' | 'warning' | 'info';
  provider: string | null;
  title: string;
  raisedAt: string;
  status: 'open' | 'acknowledged' | 'resolved';
}

export interface ProjectionState {
  name: string;
  eventsApplied: number;
  horizonAgeSeconds: number;
  lag: { positionsBehind: number; capped: boolean; secondsBehind: number };
}

export const PROVIDERS = ['stripe', 'paystack'] as const;
