import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { ensureSession } from './api/client';
import './app.css';

/** The app shell: signs the traveller in at launch (weapp: wx.login; H5: the dev token). */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    void ensureSession();
  });
  return children;
}

export default App;
