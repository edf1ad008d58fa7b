import { Input, ScrollView, Text, View } from '@tarojs/components';
import { CitiesDocument, type CitiesQuery } from '@deeptravel/client';
import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import { useT } from '../i18n';
import { englishCityName } from '../state/booking';

type City = CitiesQuery['cities'][number];

/** A sheet to choose a city: hot cities first, search by Chinese name, English name or pinyin. */
export function CityPicker({ onPick, onClose }: { onPick: (city: City) => void; onClose: () => void }) {
  const { t, lang } = useT();
  const [query, setQuery] = useState('');
  const [cities, setCities] = useState<City[]>([]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      gql(CitiesDocument, { query: query.trim() || null })
        .then((r) => live && setCities(r.cities))
        .catch(() => undefined);
    }, query ? 200 : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);
  const hot = cities.filter((c) => c.isHot);
  const name = (c: City) => (lang === 'zh' ? c.nameZh : englishCityName(c));
  return (
    <View className='sheet' data-testid='city-picker'>
      <View className='sheet__mask' onClick={onClose} />
      <View className='sheet__body'>
        <View className='sheet__head'>
          <Text className='sheet__title'>{t('pickCity')}</Text>
          <Text className='sheet__close' onClick={onClose}>{t('close')}</Text>
        </View>
        <Input className='input' placeholder={t('citySearchPlaceholder')} value={query} onInput={(e) => setQuery(e.detail.value)} focus />
        <ScrollView scrollY className='sheet__list'>
          {!query && hot.length ? (
            <View>
              <Text className='sheet__section'>{t('hotCities')}</Text>
              <View className='chips'>
                {hot.map((c) => (
                  <View key={c.code} className='chip chip--city' onClick={() => onPick(c)}>{name(c)}</View>
                ))}
              </View>
              <Text className='sheet__section'>{t('allCities')}</Text>
            </View>
          ) : null}
          {cities.map((c) => (
            <View key={c.code} className='list-item' data-testid={`city-${c.code}`} onClick={() => onPick(c)}>
              <Text className='list-item__main'>{lang === 'zh' ? c.nameZh : englishCityName(c)}</Text>
              <Text className='list-item__sub'>{lang === 'zh' ? englishCityName(c) : c.nameZh} · {c.code}</Text>
            </View>
          ))}
        </ScrollView>
      </View>
    </View>
  );
}
