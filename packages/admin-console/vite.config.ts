import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console is a static site. `pnpm dev:admin` serves it with /graphql proxied to the local
 * server (ADMIN_API_URL, default http://localhost:8080); a built copy reads its API address from
 * runtime-config.js (see src/app/config.ts), so one build serves every environment.
 */
const api = process.env.ADMIN_API_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  base: './',
  server: {
    port: 5174,
    proxy: { '/graphql': { target: api, changeOrigin: true, ws: true } },
  },
  preview: { port: 4174 },
  build: {
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/, priority: 30 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 20 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[a-z-]+|dayjs)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
