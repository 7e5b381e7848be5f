"""Entry point of `support-warehouse dashboard` (streamlit run this file)."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).with_name("views")  # not "pages": Streamlit would also serve those as v1 pages

st.set_page_config(page_title="Support dashboard", page_icon=":material/support_agent:", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "volume.py", title="Volume", icon=":material/stacked_line_chart:"),
        st.Page(PAGES / "speed.py", title="Speed", icon=":material/speed:"),
        st.Page(PAGES / "quality.py", title="Quality", icon=":material/sentiment_satisfied:"),
        st.Page(PAGES / "phone.py", title="Phone", icon=":material/call:"),
        st.Page(PAGES / "team.py", title="Team", icon=":material/groups:"),
        st.Page(PAGES / "commerce.py", title="Commerce and marketplaces", icon=":material/storefront:"),
        st.Page(PAGES / "data_quality.py", title="Data quality", icon=":material/rule:"),
    ]
)
navigation.run()
