import * as migration_20261126_222607_initial from './20261126_222607_initial';
import * as migration_20261126_224100_subscribers from './20261126_224100_subscribers';
import * as migration_20261126_231820_deliveries from './20261126_231820_deliveries';
import * as migration_20261127_005556_wechat_state from './20261127_005556_wechat_state';
import * as migration_20261127_005656_readership_rollups from './20261127_005656_readership_rollups';
import * as migration_20261127_010057_read_events from './20261127_010057_read_events';
import * as migration_20261127_011536_read_events_lean from './20261127_011536_read_events_lean';
import * as migration_20261204_172103_do_not_mail_audit from './20261204_172103_do_not_mail_audit';
import * as migration_20261204_173506_autoincrement_ids from './20261204_173506_autoincrement_ids';
import * as migration_20261204_183823_users_login_policy from './20261204_183823_users_login_policy';
import * as migration_20261206_030041_relay_suppression from './20261206_030041_relay_suppression';
import * as migration_20261206_171025_users_work_phone from './20261206_171025_users_work_phone';
import * as migration_20261206_173619_building_details from './20261206_173619_building_details';
import * as migration_20261206_175018_checks_override from './20261206_175018_checks_override';
import * as migration_20261206_194953_policy_documents from './20261206_194953_policy_documents';
import * as migration_20261206_201608_public_contacts from './20261206_201608_public_contacts';
import * as migration_20261206_203231_review_chain from './20261206_203231_review_chain';
import * as migration_20261206_203315_inspection from './20261206_203315_inspection';
import * as migration_20261206_203800_wechat_mass_plan from './20261206_203800_wechat_mass_plan';
import * as migration_20261206_203917_reader_wechat_jssdk from './20261206_203917_reader_wechat_jssdk';
import * as migration_20261206_203947_kiosk_settings from './20261206_203947_kiosk_settings';
import * as migration_20261206_204036_publish_audience from './20261206_204036_publish_audience';
import * as migration_20261206_225516_subscriber_phone from './20261206_225516_subscriber_phone';
import * as migration_20261206_225845_sms_messages from './20261206_225845_sms_messages';
import * as migration_20261206_230019_relay_confirmations from './20261206_230019_relay_confirmations';
import * as migration_20261206_231913_staff_notices from './20261206_231913_staff_notices';
import * as migration_20261206_235410_sms_budget_reply from './20261206_235410_sms_budget_reply';
import * as migration_20261206_235808_sms_subscribe from './20261206_235808_sms_subscribe';
import * as migration_20261206_235933_relay_heads from './20261206_235933_relay_heads';
import * as migration_20261207_000120_offline_reach from './20261207_000120_offline_reach';
import * as migration_20261207_000747_sms_driver from './20261207_000747_sms_driver';
import * as migration_20261207_025443_building_rollups from './20261207_025443_building_rollups';
import * as migration_20261207_030122_channel_fallback from './20261207_030122_channel_fallback';
import * as migration_20261207_031624_policy_document_file_check from './20261207_031624_policy_document_file_check';
import * as migration_20261207_053602_policy_document_override from './20261207_053602_policy_document_override';

export const migrations = [
  {
    up: migration_20261126_222607_initial.up,
    down: migration_20261126_222607_initial.down,
    name: '20261126_222607_initial',
  },
  {
    up: migration_20261126_224100_subscribers.up,
    down: migration_20261126_224100_subscribers.down,
    name: '20261126_224100_subscribers',
  },
  {
    up: migration_20261126_231820_deliveries.up,
    down: migration_20261126_231820_deliveries.down,
    name: '20261126_231820_deliveries',
  },
  {
    up: migration_20261127_005556_wechat_state.up,
    down: migration_20261127_005556_wechat_state.down,
    name: '20261127_005556_wechat_state',
  },
  {
    up: migration_20261127_005656_readership_rollups.up,
    down: migration_20261127_005656_readership_rollups.down,
    name: '20261127_005656_readership_rollups',
  },
  {
    up: migration_20261127_010057_read_events.up,
    down: migration_20261127_010057_read_events.down,
    name: '20261127_010057_read_events',
  },
  {
    up: migration_20261127_011536_read_events_lean.up,
    down: migration_20261127_011536_read_events_lean.down,
    name: '20261127_011536_read_events_lean',
  },
  {
    up: migration_20261204_172103_do_not_mail_audit.up,
    down: migration_20261204_172103_do_not_mail_audit.down,
    name: '20261204_172103_do_not_mail_audit',
  },
  {
    up: migration_20261204_173506_autoincrement_ids.up,
    down: migration_20261204_173506_autoincrement_ids.down,
    name: '20261204_173506_autoincrement_ids',
  },
  {
    up: migration_20261204_183823_users_login_policy.up,
    down: migration_20261204_183823_users_login_policy.down,
    name: '20261204_183823_users_login_policy',
  },
  {
    up: migration_20261206_030041_relay_suppression.up,
    down: migration_20261206_030041_relay_suppression.down,
    name: '20261206_030041_relay_suppression',
  },
  {
    up: migration_20261206_171025_users_work_phone.up,
    down: migration_20261206_171025_users_work_phone.down,
    name: '20261206_171025_users_work_phone',
  },
  {
    up: migration_20261206_173619_building_details.up,
    down: migration_20261206_173619_building_details.down,
    name: '20261206_173619_building_details',
  },
  {
    up: migration_20261206_175018_checks_override.up,
    down: migration_20261206_175018_checks_override.down,
    name: '20261206_175018_checks_override',
  },
  {
    up: migration_20261206_194953_policy_documents.up,
    down: migration_20261206_194953_policy_documents.down,
    name: '20261206_194953_policy_documents',
  },
  {
    up: migration_20261206_201608_public_contacts.up,
    down: migration_20261206_201608_public_contacts.down,
    name: '20261206_201608_public_contacts',
  },
  {
    up: migration_20261206_203231_review_chain.up,
    down: migration_20261206_203231_review_chain.down,
    name: '20261206_203231_review_chain',
  },
  {
    up: migration_20261206_203315_inspection.up,
    down: migration_20261206_203315_inspection.down,
    name: '20261206_203315_inspection',
  },
  {
    up: migration_20261206_203800_wechat_mass_plan.up,
    down: migration_20261206_203800_wechat_mass_plan.down,
    name: '20261206_203800_wechat_mass_plan',
  },
  {
    up: migration_20261206_203917_reader_wechat_jssdk.up,
    down: migration_20261206_203917_reader_wechat_jssdk.down,
    name: '20261206_203917_reader_wechat_jssdk',
  },
  {
    up: migration_20261206_203947_kiosk_settings.up,
    down: migration_20261206_203947_kiosk_settings.down,
    name: '20261206_203947_kiosk_settings',
  },
  {
    up: migration_20261206_204036_publish_audience.up,
    down: migration_20261206_204036_publish_audience.down,
    name: '20261206_204036_publish_audience',
  },
  {
    up: migration_20261206_225516_subscriber_phone.up,
    down: migration_20261206_225516_subscriber_phone.down,
    name: '20261206_225516_subscriber_phone',
  },
  {
    up: migration_20261206_225845_sms_messages.up,
    down: migration_20261206_225845_sms_messages.down,
    name: '20261206_225845_sms_messages',
  },
  {
    up: migration_20261206_230019_relay_confirmations.up,
    down: migration_20261206_230019_relay_confirmations.down,
    name: '20261206_230019_relay_confirmations',
  },
  {
    up: migration_20261206_231913_staff_notices.up,
    down: migration_20261206_231913_staff_notices.down,
    name: '20261206_231913_staff_notices',
  },
  {
    up: migration_20261206_235410_sms_budget_reply.up,
    down: migration_20261206_235410_sms_budget_reply.down,
    name: '20261206_235410_sms_budget_reply',
  },
  {
    up: migration_20261206_235808_sms_subscribe.up,
    down: migration_20261206_235808_sms_subscribe.down,
    name: '20261206_235808_sms_subscribe',
  },
  {
    up: migration_20261206_235933_relay_heads.up,
    down: migration_20261206_235933_relay_heads.down,
    name: '20261206_235933_relay_heads',
  },
  {
    up: migration_20261207_000120_offline_reach.up,
    down: migration_20261207_000120_offline_reach.down,
    name: '20261207_000120_offline_reach',
  },
  {
    up: migration_20261207_000747_sms_driver.up,
    down: migration_20261207_000747_sms_driver.down,
    name: '20261207_000747_sms_driver',
  },
  {
    up: migration_20261207_025443_building_rollups.up,
    down: migration_20261207_025443_building_rollups.down,
    name: '20261207_025443_building_rollups',
  },
  {
    up: migration_20261207_030122_channel_fallback.up,
    down: migration_20261207_030122_channel_fallback.down,
    name: '20261207_030122_channel_fallback',
  },
  {
    up: migration_20261207_031624_policy_document_file_check.up,
    down: migration_20261207_031624_policy_document_file_check.down,
    name: '20261207_031624_policy_document_file_check',
  },
  {
    up: migration_20261207_053602_policy_document_override.up,
    down: migration_20261207_053602_policy_document_override.down,
    name: '20261207_053602_policy_document_override'
  },
];
