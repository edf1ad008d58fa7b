import { useEffect, useState } from 'react';
import { Button, Space, message } from 'antd';
import { currencySymbol, type PassengerType } from '@deeptravel/shared';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { useSession } from '../../app/session';
import { AdminSetFareTiersDocument, type AdminProductsQuery } from '../queries';
import { checkRows, rowsToTiers, tiersToRows, type TierRow } from './tier-table';
import { TierTableEditor } from './tier-table-editor';

type Product = AdminProductsQuery['adminProducts'][number];

/** Edits and saves a product's fare table (adminSetFareTiers replaces it as a whole). */
export function FarePanel({ product, onSaved }: { product: Product; onSaved: () => void }) {
  const { canEdit } = useSession();
  const [rows, setRows] = useState<TierRow[]>(() => tiersToRows(product.fares as { passengerType: PassengerType; minQty: number; maxQty: number | null; unitPrice: number }[]));
  const [save, { loading }] = useMutation(AdminSetFareTiersDocument);
  useEffect(() => {
    setRows(tiersToRows(product.fares as { passengerType: PassengerType; minQty: number; maxQty: number | null; unitPrice: number }[]));
  }, [product]);
  const check = checkRows(rows);
  const submit = async () => {
    try {
      await save({ productId: product.id, tiers: rowsToTiers(rows) });
      void message.success('票价已保存，新的搜索立即生效；已下的订单保持原价');
      onSaved();
    } catch (err) {
      showApiError(err);
    }
  };
  return (
    <>
      <TierTableEditor value={rows} onChange={setRows} readOnly={!canEdit} currencySymbol={currencySymbol(product.currency)} />
      {canEdit ? (
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" onClick={submit} loading={loading} disabled={check.problems.length > 0 || rows.length === 0} data-testid="fares-save">保存票价</Button>
          <Button onClick={() => setRows(tiersToRows(product.fares as never))}>撤销修改</Button>
        </Space>
      ) : null}
    </>
  );
}
