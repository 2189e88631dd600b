import express, { Router } from 'express';
import type { Deps } from '../deps.js';

/** /api/v1: JSON API for CI, notebooks and monitoring; features mount their routes here. */
export function registerApi(_deps: Deps): Router {
  const r = Router();
  r.use(express.json({ limit: '2mb' }));
  r.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such API route.' });
  });
  return r;
}
