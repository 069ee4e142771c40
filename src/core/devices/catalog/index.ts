// The built-in catalog: one JSON file per device or link, imported statically so the bundle carries them.
// Each file is validated against schemas/device-profile.schema.json when loaded (and by the unit tests).

import stm32f746 from './stm32f746.json';
import stm32h743 from './stm32h743.json';
import esp32_s3 from './esp32-s3.json';
import nrf52840 from './nrf52840.json';
import rp2040 from './rp2040.json';
import kendryte_k210 from './kendryte-k210.json';
import coral_dev_board_micro from './coral-dev-board-micro.json';
import stm32n6 from './stm32n6.json';
import raspberry_pi_4 from './raspberry-pi-4.json';
import raspberry_pi_5 from './raspberry-pi-5.json';
import jetson_nano from './jetson-nano.json';
import jetson_orin_nano from './jetson-orin-nano.json';
import apple_a17_pro from './apple-a17-pro.json';
import xeon_gold_6230r from './xeon-gold-6230r.json';
import nvidia_t4 from './nvidia-t4.json';
import nvidia_a100 from './nvidia-a100.json';
// Boards added with the device evidence (issue 12).
import stm32l4r5 from './stm32l4r5.json';
import stm32h7a3 from './stm32h7a3.json';
import stm32u575 from './stm32u575.json';
import stm32u585 from './stm32u585.json';
import stm32u385 from './stm32u385.json';
import stm32g0b1 from './stm32g0b1.json';
import psoc62 from './psoc62.json';
import m467 from './m467.json';
import nrf5340 from './nrf5340.json';
import efr32mg24 from './efr32mg24.json';
import ra6m4 from './ra6m4.json';
import rx65n from './rx65n.json';
import ra8d1 from './ra8d1.json';
import gap9 from './gap9.json';
import esp32 from './esp32.json';
import esp32_c3 from './esp32-c3.json';
import esp32_p4 from './esp32-p4.json';
import stm32h747 from './stm32h747.json';
import mcxn947 from './mcxn947.json';
import imx8mp from './imx8mp.json';
import imx93 from './imx93.json';
import stm32f446 from './stm32f446.json';
import rp2350 from './rp2350.json';
import imxrt1060 from './imxrt1060.json';
import imxrt1170 from './imxrt1170.json';
import apollo4_plus from './apollo4-plus.json';
import max78000 from './max78000.json';
import alif_e7 from './alif-e7.json';
import link_ble from './link-ble.json';
import link_lora from './link-lora.json';
import link_nb_iot from './link-nb-iot.json';
import link_lte_m from './link-lte-m.json';
import link_wifi_4 from './link-wifi-4.json';
import link_wifi_5 from './link-wifi-5.json';
import link_wifi_6 from './link-wifi-6.json';
import link_ethernet_100m from './link-ethernet-100m.json';
import link_ethernet_1g from './link-ethernet-1g.json';
import link_lte_4g from './link-lte-4g.json';
import link_nr_5g from './link-nr-5g.json';

/** File name (without .json) and parsed content of every built-in profile. */
export const BUILT_IN_PROFILES: readonly { file: string; json: unknown }[] = [
  { file: 'stm32f746', json: stm32f746 },
  { file: 'stm32h743', json: stm32h743 },
  { file: 'esp32-s3', json: esp32_s3 },
  { file: 'nrf52840', json: nrf52840 },
  { file: 'rp2040', json: rp2040 },
  { file: 'kendryte-k210', json: kendryte_k210 },
  { file: 'coral-dev-board-micro', json: coral_dev_board_micro },
  { file: 'stm32n6', json: stm32n6 },
  { file: 'raspberry-pi-4', json: raspberry_pi_4 },
  { file: 'raspberry-pi-5', json: raspberry_pi_5 },
  { file: 'jetson-nano', json: jetson_nano },
  { file: 'jetson-orin-nano', json: jetson_orin_nano },
  { file: 'apple-a17-pro', json: apple_a17_pro },
  { file: 'xeon-gold-6230r', json: xeon_gold_6230r },
  { file: 'nvidia-t4', json: nvidia_t4 },
  { file: 'nvidia-a100', json: nvidia_a100 },
  { file: 'stm32l4r5', json: stm32l4r5 },
  { file: 'stm32h7a3', json: stm32h7a3 },
  { file: 'stm32u575', json: stm32u575 },
  { file: 'stm32u585', json: stm32u585 },
  { file: 'stm32u385', json: stm32u385 },
  { file: 'stm32g0b1', json: stm32g0b1 },
  { file: 'psoc62', json: psoc62 },
  { file: 'm467', json: m467 },
  { file: 'nrf5340', json: nrf5340 },
  { file: 'efr32mg24', json: efr32mg24 },
  { file: 'ra6m4', json: ra6m4 },
  { file: 'rx65n', json: rx65n },
  { file: 'ra8d1', json: ra8d1 },
  { file: 'gap9', json: gap9 },
  { file: 'esp32', json: esp32 },
  { file: 'esp32-c3', json: esp32_c3 },
  { file: 'esp32-p4', json: esp32_p4 },
  { file: 'stm32h747', json: stm32h747 },
  { file: 'mcxn947', json: mcxn947 },
  { file: 'imx8mp', json: imx8mp },
  { file: 'imx93', json: imx93 },
  { file: 'stm32f446', json: stm32f446 },
  { file: 'rp2350', json: rp2350 },
  { file: 'imxrt1060', json: imxrt1060 },
  { file: 'imxrt1170', json: imxrt1170 },
  { file: 'apollo4-plus', json: apollo4_plus },
  { file: 'max78000', json: max78000 },
  { file: 'alif-e7', json: alif_e7 },
  { file: 'link-ble', json: link_ble },
  { file: 'link-lora', json: link_lora },
  { file: 'link-nb-iot', json: link_nb_iot },
  { file: 'link-lte-m', json: link_lte_m },
  { file: 'link-wifi-4', json: link_wifi_4 },
  { file: 'link-wifi-5', json: link_wifi_5 },
  { file: 'link-wifi-6', json: link_wifi_6 },
  { file: 'link-ethernet-100m', json: link_ethernet_100m },
  { file: 'link-ethernet-1g', json: link_ethernet_1g },
  { file: 'link-lte-4g', json: link_lte_4g },
  { file: 'link-nr-5g', json: link_nr_5g },
];
