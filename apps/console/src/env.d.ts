// Vite imports the stylesheet; TypeScript only needs to know such imports exist.
declare module '*.css';
