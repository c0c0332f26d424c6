-- Name normalisation for provider and service matching. Installed with macros.sql by
-- etl.stage.install_macros, so every adapter and model can use it.
-- Builds on to_halfwidth from macros.sql.

-- A name as it should be shown: half-width, brackets in one form ( ), the spaces PDF extraction
-- leaves next to Chinese characters removed (广州合立正通信息 科技有限公司, 字体美化大 师),
-- other runs of spaces collapsed. Latin words keep their single spaces (Baidu Inc).
create or replace macro clean_name(t) as nullif(trim(
    regexp_replace(
        regexp_replace(
            regexp_replace(translate(to_halfwidth(t), '【】〔〕〖〗', '()()()'), '\s+', ' ', 'g'),
            '(\p{Han}) ', '\1', 'g'
        ),
        ' (\p{Han})', '\1', 'g'
    )
), '');

-- The key names are matched on: clean_name, lowercased, company-form suffixes stripped
-- (有限公司, 股份有限公司, 集团, Inc., Co., Ltd., Holdings …), then every character that is not
-- a letter or a digit removed. 北京智谱华章科技有限公司 and 北京智谱华章科技股份有限公司 share a
-- key; so do "Moonshot AI" and the slug moonshot-ai. Used for matching only, never shown.
create or replace macro name_key(t) as nullif(regexp_replace(
    regexp_replace(
        regexp_replace(
            trim(regexp_replace(lower(clean_name(t)), '[^\p{L}\p{N}]+', ' ', 'g')),
            '^(.+?)(\s*(集团|股份|有限责任公司|有限公司|分公司|公司))+$', '\1'
        ),
        '^(.+?)(\s(co|company|ltd|limited|inc|incorporated|corp|corporation|llc|plc|gmbh|sa|ag|holdings|holding|group))+$',
        '\1'
    ),
    '[^\p{L}\p{N}]+', '', 'g'
), '');

-- A product name without its platform tag: 文心一言（APP） and 写作蛙(小程序) give 文心一言, 写作蛙.
create or replace macro product_name(t) as clean_name(
    regexp_replace(clean_name(t), '\s*\((app|APP|App|网站|小程序|公众号|快应用|客户端|PC|pc|H5|h5|[^()]{0,6}端)\)$', '')
);
