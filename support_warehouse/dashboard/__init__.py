"""The support dashboard (`support-warehouse dashboard`): a Streamlit app on the published marts."""

from pathlib import Path

APP_PATH = Path(__file__).with_name("app.py")
