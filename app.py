"""Placeholder frame until the multipage dashboard lands: warehouse row counts."""

import streamlit as st

from dashboard.warehouse import WarehouseMissing, connect

st.set_page_config(page_title="GenAI licensing dashboard", layout="wide")
st.title("Generative-AI licensing warehouse")
try:
    with connect() as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    st.dataframe({"table": list(counts), "rows": list(counts.values())})
except WarehouseMissing as exc:
    st.info(str(exc))
