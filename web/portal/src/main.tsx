// Entry of the portal app (web/portal/index.html): mounts App. Styles come in as files the build links
// from the page; nothing here may create inline script or style (the page's CSP forbids both).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import '../../shared/base.css';
import './portal.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
