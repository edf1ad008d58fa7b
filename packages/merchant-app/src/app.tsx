import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { startOfflineLoop } from './api/offline';
import './app.css';

/** The app shell: the offline bundle and the sync queue are looked after in the background from launch. */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    startOfflineLoop();
  });
  return children;
}

export default App;
