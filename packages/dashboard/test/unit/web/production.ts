// React's production build, as the browser gets it from Vite: set before React is first loaded
// (imported first by a benchmark file; the development build's checks cost several times more).
process.env.NODE_ENV = 'production';
