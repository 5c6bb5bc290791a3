// Side-effect CSS imports (app/globals.css), which Next's bundler handles.
declare module '*.css';
