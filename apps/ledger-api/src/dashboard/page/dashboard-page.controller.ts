import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../../auth/require-scope.decorator';

/** The bundle `npm run build` writes (apps/ledger-api/web/build.mjs): <repo>/dist/dashboard. */
function dashboardBundleDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'dashboard');
}

const ASSET = /^[\w-]+\.(js|css|map)$/;

/**
 * GET /dashboard: the page loads without a key (CONTRACT.md); every number on
 * it comes from the dashboard API with the key the user signs in with.
 */
@Public()
@ApiExcludeController()
@Controller('dashboard')
export class DashboardPageController {
  private readonly dir = dashboardBundleDir();

  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get(':asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (!ASSET.test(asset)) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such dashboard file' } });
      return;
    }
    this.send(res, asset);
  }

  private send(res: Response, file: string): void {
    const path = join(this.dir, file);
    if (!existsSync(path)) {
      const built = existsSync(join(this.dir, 'index.html'));
      res.status(built ? 404 : 503).json({
        error: built
          ? { code: 'not_found', message: 'No such dashboard file' }
          : { code: 'dashboard_not_built', message: 'The dashboard bundle is missing: run npm run build' },
      });
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path);
  }
}
