import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';

/** GET /v1/alerts and POST /v1/alerts/:id/acknowledge; the app's global ApiKeyGuard and RateLimitGuard apply. */
@Module({ controllers: [AlertsController] })
export class AlertsModule {}
