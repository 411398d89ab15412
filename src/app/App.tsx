import React from 'react';
import type { AppRootProps } from '@grafana/data';
import { Navigate, Route, Routes } from 'react-router-dom';

import { ROUTES } from '../constants';
import { JobPage } from './pages/Job/JobPage';
import { OverviewPage } from './pages/Overview/OverviewPage';
import { RunbookPage } from './pages/Runbooks/RunbookPage';
import { RunbooksPage } from './pages/Runbooks/RunbooksPage';

/** The app's routes, relative to /a/aicodeteam-ledger-app. */
export default function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.overview} element={<OverviewPage />} />
      <Route path={ROUTES.runbooks} element={<RunbooksPage />} />
      <Route path={`${ROUTES.runbooks}/:runbookId`} element={<RunbookPage />} />
      <Route path={ROUTES.job} element={<JobPage />} />
      <Route path={`${ROUTES.job}/:jobId`} element={<JobPage />} />
      <Route path="*" element={<Navigate to={ROUTES.overview} replace />} />
    </Routes>
  );
}
